# Formatted text gets a maximum length: a validator only, nothing changes in the database.

import rcp.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rcp', '0006_pending_uploads'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalprocess',
            name='objectives',
            field=models.TextField(blank=True, help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='objectives'),
        ),
        migrations.AlterField(
            model_name='historicalprocess',
            name='secretariat',
            field=models.TextField(blank=True, help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='secretariat details'),
        ),
        migrations.AlterField(
            model_name='process',
            name='objectives',
            field=models.TextField(blank=True, help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='objectives'),
        ),
        migrations.AlterField(
            model_name='process',
            name='secretariat',
            field=models.TextField(blank=True, help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='secretariat details'),
        ),
    ]
