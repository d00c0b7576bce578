"""The history tables keep the language columns only (rcp/translation.py), now that the English
text is copied into them; the shadow columns are given a default first, so that undoing the
migration can add them back."""

from django.db import migrations, models

import rcp.text


class Migration(migrations.Migration):
    dependencies = [("rcp", "0012_translations_english_text")]

    operations = [
        migrations.AlterField(
            model_name='historicalregion',
            name='name',
            field=models.CharField(default='', max_length=100, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='historicalorganisation',
            name='name',
            field=models.CharField(default='', help_text='The official name, e.g. “Economic Community of West African States”.', max_length=250, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='historicalorganisation',
            name='acronym',
            field=models.CharField(blank=True, default='', help_text='E.g. “ECOWAS”. Leave empty if none.', max_length=30, verbose_name='acronym'),
        ),
        migrations.AlterField(
            model_name='historicalfocusarea',
            name='name',
            field=models.CharField(default='', help_text='Written as it appears in a list on the page, e.g. “irregular migration”.', max_length=150, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='historicalparticipation',
            name='note',
            field=models.CharField(blank=True, default='', help_text='Optional, e.g. “suspended since 2021”.', max_length=200, verbose_name='note'),
        ),
        migrations.AlterField(
            model_name='historicalparticipation',
            name='group',
            field=models.CharField(blank=True, default='', help_text='Optional. A short label such as “AU” or “EU” reads “53 AU Member States” in the members header; a phrase such as “Countries of origin” reads “12 countries of origin”.', max_length=60, verbose_name='group'),
        ),
        migrations.AlterField(
            model_name='historicalprocessorganisation',
            name='group',
            field=models.CharField(blank=True, default='', max_length=60, verbose_name='group'),
        ),
        migrations.AlterField(
            model_name='historicalmeeting',
            name='city',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='historicalmeeting',
            name='title',
            field=models.CharField(default='', help_text='E.g. “2nd Africa-EU Summit”.', max_length=300, verbose_name='title'),
        ),
        migrations.AlterField(
            model_name='historicalprocess',
            name='name',
            field=models.CharField(default='', help_text='E.g. “Tripoli Process”.', max_length=200, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='historicalprocess',
            name='secretariat',
            field=models.TextField(blank=True, default='', help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='secretariat details'),
        ),
        migrations.AlterField(
            model_name='historicalprocess',
            name='acronym',
            field=models.CharField(blank=True, default='', help_text='E.g. “MIDSA”. Leave empty if the process has none.', max_length=40, verbose_name='short name or acronym'),
        ),
        migrations.AlterField(
            model_name='historicalprocess',
            name='objectives',
            field=models.TextField(blank=True, default='', help_text='Plain text. Leave an empty line between paragraphs. Start lines with “- ” for a bulleted list. *Asterisks* give emphasis; [link text](https://example.org) makes a link. HTML is not kept.', validators=[rcp.text.validate_no_editorial_markers, rcp.text.validate_formatted_text_length], verbose_name='objectives'),
        ),
        migrations.RemoveField(
            model_name='historicalfocusarea',
            name='name',
        ),
        migrations.RemoveField(
            model_name='historicalmeeting',
            name='city',
        ),
        migrations.RemoveField(
            model_name='historicalmeeting',
            name='title',
        ),
        migrations.RemoveField(
            model_name='historicalorganisation',
            name='acronym',
        ),
        migrations.RemoveField(
            model_name='historicalorganisation',
            name='name',
        ),
        migrations.RemoveField(
            model_name='historicalparticipation',
            name='group',
        ),
        migrations.RemoveField(
            model_name='historicalparticipation',
            name='note',
        ),
        migrations.RemoveField(
            model_name='historicalprocess',
            name='acronym',
        ),
        migrations.RemoveField(
            model_name='historicalprocess',
            name='name',
        ),
        migrations.RemoveField(
            model_name='historicalprocess',
            name='objectives',
        ),
        migrations.RemoveField(
            model_name='historicalprocess',
            name='secretariat',
        ),
        migrations.RemoveField(
            model_name='historicalprocessorganisation',
            name='group',
        ),
        migrations.RemoveField(
            model_name='historicalregion',
            name='name',
        ),
    ]
