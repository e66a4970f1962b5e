"""A baseline snapshot of every row that exists when the history begins (label "baseline",
never listed): the first change of such a row then shows its old values too."""

from django.db import migrations

TABLES = [  # event table, tracked table, the columns the event table copies
    ("history_productevent", "inventory_product",
     "sku, name, unit, category_id, purchase_price, selling_price, vat_rate, is_active, custom"),
    ("history_minimumstockevent", "inventory_minimumstock", "product_id, warehouse_id, quantity"),
    ("history_warehouseevent", "inventory_warehouse",
     "name, code, address, responsible_id, is_active, is_default, custom"),
    ("history_inventorysettingsevent", "inventory_inventorysettings",
     "allow_negative_write_off, allow_negative_transfer, allow_negative_sales_order, reservation_mode, "
     "reservation_days, sell_unshipped_on_won, costing_method"),
    ("history_roleevent", "auth_group", "name"),
    ("history_layoutfieldevent", "layouts_layoutfield",
     "layout_id, key, position, is_visible, label_en, label_id, is_custom, field_type, required, help_en, "
     "help_id, choices, in_list, removed"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('history', '0001_events'),
    ]

    operations = [
        migrations.RunSQL(
            [
                f"INSERT INTO {events} (id, {columns}, pgh_obj_id, pgh_created_at, pgh_label) "
                f"SELECT id, {columns}, id, NOW(), 'baseline' FROM {tracked} ORDER BY id"
                for events, tracked, columns in TABLES
            ],
            [f"DELETE FROM {events} WHERE pgh_label = 'baseline'" for events, _tracked, _columns in TABLES],
        ),
    ]
