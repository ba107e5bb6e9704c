"""The review schedule: reminders sent (one per page, due date and kind), owners' private
calendar feeds, and outbox emails to an address (the team's) rather than a person.

Also an index the calendar, the iCalendar feed and the reminders read by: current
publications by next review date. The read model is infopages', but only the workflow asks
this of it, so the index is made here in plain SQL (the same on PostgreSQL and SQLite) and is
not part of any model's state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('infopages', '0004_review_schedule_and_signed_off_context'),
        ('reviews', '0004_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='address',
            field=models.EmailField(blank=True, help_text='When sent to an address rather than a person.', max_length=254, verbose_name='address'),
        ),
        migrations.AddField(
            model_name='notification',
            name='claim',
            field=models.UUIDField(blank=True, editable=False, help_text='The sending run.', null=True, verbose_name='claimed by'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='review_notifications', to=settings.AUTH_USER_MODEL, verbose_name='person'),
        ),
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True, verbose_name='key (hashed)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'calendar feed',
                'verbose_name_plural': 'calendar feeds',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ReviewReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('due_on', models.DateField(verbose_name='review due')),
                ('kind', models.CharField(help_text='"90_days", "30_days", "7_days", "due", or "overdue_<weeks>".', max_length=20, verbose_name='reminder')),
                ('sent_on', models.DateField(verbose_name='queued on')),
                ('recipients', models.JSONField(default=list, verbose_name='sent to')),
                ('escalated', models.BooleanField(default=False, verbose_name='publishers told')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_reminders', to='infopages.page', verbose_name='page')),
            ],
            options={
                'verbose_name': 'review reminder',
                'verbose_name_plural': 'review reminders',
                'ordering': ['-sent_on', '-id'],
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='reminder',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='reviews.reviewreminder', verbose_name='review reminder'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('user__isnull', False), models.Q(('address', ''), _negated=True), _connector='OR'), name='notification_has_recipient'),
        ),
        migrations.AddConstraint(
            model_name='calendarfeed',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at', None)), fields=('user',), name='one_working_calendar_feed'),
        ),
        migrations.AddConstraint(
            model_name='reviewreminder',
            constraint=models.UniqueConstraint(fields=('page', 'due_on', 'kind'), name='one_reminder_per_page_due_date_and_kind'),
        ),
        migrations.RunSQL(
            sql="CREATE INDEX reviews_current_publication_next_review "
            "ON infopages_publishedpage (is_current, next_review_on)",
            reverse_sql="DROP INDEX reviews_current_publication_next_review",
        ),
    ]
