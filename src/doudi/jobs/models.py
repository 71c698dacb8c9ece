"""A file handed over to be processed after the page has answered: the record its page shows.

Design: docs/decisions/0013-import-limits-and-safe-exports.md; the task runner that runs it:
docs/decisions/0018-task-runner.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    HOUSEHOLD_IMPORT = "household_import", _("Household import")
    BANK_RESULT = "bank_result", _("Bank result file")
    CAMPAIGN = "campaign", _("Campaign (专项治理)")
    DELIVERY = "delivery", _("Department data delivery")
    # Long computations a page starts and follows (docs/policy.md, "Long work"): no file.
    WHAT_IF = "what_if", _("What-if of a proposed standard")
    PLACE_EVALUATION = "place_evaluation", _("Whole-place evaluation")
    CHANGE_PREVIEW = "change_preview", _("Standard change preview")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being processed")
    DONE = "done", _("Done")
    FAILED = "failed", _("Not done, nothing changed")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The door the file came through (audit.channels), so its audit events say the same.
    channel = models.CharField(_("channel of the action"), max_length=10)
    filename = models.CharField(_("file name"), max_length=200)
    # The uploaded file until it is processed, then emptied: it may hold ID numbers in clear.
    data = models.BinaryField(_("file"), default=b"")
    params = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)
    message = models.TextField(_("outcome"), blank=True)
    message_en = models.TextField(_("outcome in English"), blank=True)
    # Each fault (or, when done, each warning): {"message", "message_en", "row", "column", ...}.
    problems = models.JSONField(_("problems"), default=list)
    # How far the work has got, as it last said (progress.report): done of total (None while
    # unknown), in the units its stage names, the stage in the pages' language and in English.
    progress_done = models.PositiveBigIntegerField(_("done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("total"), null=True)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    stage_en = models.CharField(_("stage in English"), max_length=200, blank=True)
    # The process running it ("host:pid"), so that a job whose process ended is known failed.
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    # The id of the django-tasks task that runs it; empty until the task is enqueued.
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["state", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int:
        """How far it has got, for a <progress> bar: 0 while the total is unknown."""
        if self.state == JobState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, 100 * self.progress_done // self.progress_total)

    @property
    def retryable(self) -> bool:
        """Failed with its file kept — the system's fault, not the file's — so it may be tried
        again. Reads ``file_bytes`` when the query gave it, so as not to load the file."""
        kept = getattr(self, "file_bytes", None)
        return self.state == JobState.FAILED and bool(len(self.data) if kept is None else kept)
