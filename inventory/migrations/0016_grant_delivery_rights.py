"""Existing installs get the rights of the shipments: the processed sales orders and transfers
start "to pick"; "Update delivery status" goes to the warehouse clerk and online store
administrator roles; the rights of the new document type, returns, go to every role as it holds
the same rights for sales orders (for all warehouses or on the same chosen warehouses)."""

from django.db import migrations

ACTIONS = {"view": "view", "edit": "create & edit", "process": "process", "cancel": "cancel processing", "delete": "delete"}
DELIVERY = ("update_delivery_status", "Shipments: Update delivery status")
DELIVERY_ROLES = ("Warehouse clerk", "Online store administrator")


def _permission(apps, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="inventory", model="warehouse")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def grant(apps, schema_editor):
    StockDocument = apps.get_model("inventory", "StockDocument")
    StockDocument.objects.filter(doc_type__in=("sales_order", "transfer"), status="processed").update(
        delivery_status="to_pick"
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    WarehouseGroupPermission = apps.get_model("accounts", "WarehouseGroupPermission")
    delivery = _permission(apps, *DELIVERY)
    for role in Group.objects.filter(name__in=DELIVERY_ROLES):
        role.permissions.add(delivery)
    for action, label in ACTIONS.items():
        of_orders = Permission.objects.filter(content_type__app_label="inventory", codename=f"{action}_sales_order")
        of_returns = _permission(apps, f"{action}_return", f"Returns: {label}")
        for role in Group.objects.filter(permissions__in=of_orders):
            role.permissions.add(of_returns)
        WarehouseGroupPermission.objects.bulk_create(
            [
                WarehouseGroupPermission(group_id=g.group_id, permission=of_returns, content_object_id=g.content_object_id)
                for g in WarehouseGroupPermission.objects.filter(permission__in=of_orders)
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_profile"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inventory", "0015_delivery_and_returns"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
