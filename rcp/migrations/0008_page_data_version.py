# The page cache's data version, kept in the database (rcp/data_version.py).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rcp', '0007_formatted_text_limits'),
    ]

    operations = [
        migrations.CreateModel(
            name='PageDataChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(editable=False, max_length=16)),
            ],
            options={
                'verbose_name': "change of the public pages' data",
                'verbose_name_plural': "changes of the public pages' data",
                'default_permissions': (),
            },
        ),
    ]
