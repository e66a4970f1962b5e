import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0009_cost_recompute'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='costlayer',
            name='open_cost_layers',
        ),
        migrations.AddField(
            model_name='costlayer',
            name='is_open',
            field=models.GeneratedField(db_persist=True, expression=models.ExpressionWrapper(models.Q(('remaining', 0), _negated=True), output_field=models.BooleanField()), output_field=models.BooleanField()),
        ),
        migrations.AlterField(
            model_name='costlayer',
            name='document',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inventory.stockdocument', verbose_name='document'),
        ),
        migrations.AlterField(
            model_name='costlayer',
            name='product',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cost_layers', to='inventory.product'),
        ),
        migrations.AlterField(
            model_name='costlayer',
            name='warehouse',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inventory.warehouse'),
        ),
        migrations.AlterField(
            model_name='layertake',
            name='layer',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='takes', to='inventory.costlayer'),
        ),
        migrations.AlterField(
            model_name='layertake',
            name='move',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='layer_takes', to='inventory.stockmove'),
        ),
        migrations.AlterField(
            model_name='movecost',
            name='move',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='cost', serialize=False, to='inventory.stockmove'),
        ),
        migrations.AddIndex(
            model_name='costlayer',
            index=models.Index(condition=models.Q(('is_open', True)), fields=['warehouse', 'product', 'id'], name='open_cost_layers'),
        ),
        # Room on each page for the new versions of its layers, so that takes stay HOT updates.
        migrations.RunSQL(
            "ALTER TABLE inventory_costlayer SET (fillfactor = 80)",
            "ALTER TABLE inventory_costlayer RESET (fillfactor)",
        ),
    ]
