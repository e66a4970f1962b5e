"""The database's own guards on the ledger, beneath the services' checks:

- stock moves are append-only: UPDATE and DELETE raise;
- a balance may not go below zero on hand while no document type allows negative stock;
- the single settings row exists.
"""

from django.db import migrations

APPEND_ONLY = """
CREATE FUNCTION inventory_stockmove_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock movements are append-only; cancel the document to reverse them'
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER stockmove_append_only BEFORE UPDATE OR DELETE ON inventory_stockmove
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmove_append_only();
"""

NOT_NEGATIVE = """
CREATE FUNCTION inventory_stockbalance_not_negative() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM inventory_inventorysettings
        WHERE allow_negative_write_off OR allow_negative_transfer OR allow_negative_sales_order
    ) THEN
        RAISE EXCEPTION 'stock of product % in warehouse % would fall below zero', NEW.product_id, NEW.warehouse_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER stockbalance_not_negative BEFORE INSERT OR UPDATE ON inventory_stockbalance
    FOR EACH ROW WHEN (NEW.on_hand < 0) EXECUTE FUNCTION inventory_stockbalance_not_negative();
"""

DROP = """
DROP TRIGGER stockmove_append_only ON inventory_stockmove;
DROP FUNCTION inventory_stockmove_append_only();
DROP TRIGGER stockbalance_not_negative ON inventory_stockbalance;
DROP FUNCTION inventory_stockbalance_not_negative();
"""


def create_settings_row(apps, schema_editor):
    apps.get_model("inventory", "InventorySettings").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY + NOT_NEGATIVE, DROP),
        migrations.RunPython(create_settings_row, migrations.RunPython.noop),
    ]
