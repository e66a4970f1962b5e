from django.db import migrations

# The daily sales take off what the returns processed before this brought back (the rows
# inventory.services.stock_days.sales_days_sql gives a return, as it read when this was written).
RETURNS = """
INSERT INTO inventory_salesday AS s (day, warehouse_id, product_id, client_id, currency, quantity, revenue, cogs, unvalued)
SELECT d.date, m.warehouse_id, m.product_id, d.client_id, d.currency, -SUM(l.quantity),
       -SUM(l.quantity * l.price), -SUM(COALESCE(c.value, 0)), count(*) FILTER (WHERE c.move_id IS NULL)
FROM inventory_stockmove m
JOIN inventory_stockdocument d ON d.id = m.document_id
JOIN inventory_documentline l ON l.document_id = m.document_id AND l.product_id = m.product_id
LEFT JOIN inventory_movecost c ON c.move_id = m.id
WHERE d.doc_type = 'return' AND d.status = 'processed'
  AND NOT m.is_reversal
  AND m.id > COALESCE((SELECT max(r.id) FROM inventory_stockmove r WHERE r.document_id = m.document_id AND r.is_reversal), 0)
GROUP BY d.date, m.warehouse_id, m.product_id, d.client_id, d.currency
ON CONFLICT (day, warehouse_id, product_id, client_id, currency) DO UPDATE SET
  quantity = s.quantity + EXCLUDED.quantity, revenue = s.revenue + EXCLUDED.revenue,
  cogs = s.cogs + EXCLUDED.cogs, unvalued = s.unvalued + EXCLUDED.unvalued
"""


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0017_document_change_indexes'),
    ]

    operations = [
        migrations.RunSQL(RETURNS, migrations.RunSQL.noop),
    ]
