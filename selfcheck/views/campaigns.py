"""Campaign management for the registrar: create, edit, open, close."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from selfcheck import selectors
from selfcheck.forms.campaigns import BulletinFormSet, CampaignForm, bulletin_initial, bulletin_rows
from selfcheck.models import Bulletin, Role
from selfcheck.permissions import post_only, role_required
from selfcheck.services.bulletin_schedule import FROZEN_BULLETIN_STATES
from selfcheck.services.campaigns import (
    DEFAULT_INSTRUCTIONS,
    DEFAULT_LOGIN_HELP,
    CampaignError,
    CampaignOverlap,
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_update,
)
from selfcheck.views.helpers import posted


@role_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def campaign_create_view(request):
    form = CampaignForm(
        posted(request),
        initial={"instructions": DEFAULT_INSTRUCTIONS, "login_help": DEFAULT_LOGIN_HELP, "target_rate": 100},
    )
    formset = BulletinFormSet(posted(request), prefix="bulletins")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            campaign = campaign_create(
                by=request.user,
                slug=form.cleaned_data["slug"],
                fields=form.service_fields(),
                bulletins=bulletin_rows(formset),
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("已创建核查活动“%(name)s”（草稿）。确认无误后请点击“开放”。") % {"name": campaign.name}
            )
            return redirect("campaign_dashboard", slug=campaign.slug)
    return render(request, "tracking/campaign_form.html", {"form": form, "formset": formset, "frozen": []})


@role_required(Role.REGISTRAR)
@require_http_methods(["GET", "POST"])
def campaign_edit_view(request, slug):
    campaign = selectors.campaign_for(request.user, slug)
    bulletins = list(campaign.bulletins.order_by("sequence"))
    frozen = [b for b in bulletins if b.state in FROZEN_BULLETIN_STATES]
    editable = [b for b in bulletins if b.state not in FROZEN_BULLETIN_STATES]
    form = CampaignForm(posted(request), instance=campaign)
    formset = BulletinFormSet(posted(request), prefix="bulletins", initial=bulletin_initial(editable))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            campaign = campaign_update(
                campaign,
                by=request.user,
                fields=form.service_fields(),
                bulletins=bulletin_rows(formset),
                request=request,
            )
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存“%(name)s”的设置。") % {"name": campaign.name})
            return redirect("campaign_dashboard", slug=campaign.slug)
    return render(
        request,
        "tracking/campaign_form.html",
        {"form": form, "formset": formset, "campaign": campaign, "frozen": frozen, "states": Bulletin.State},
    )


def _transition(request, slug, step, success, **options):
    """Run one campaign step (open or close) and report its outcome on the dashboard."""
    campaign = selectors.campaign_for(request.user, slug)
    try:
        step(campaign, by=request.user, request=request, **options)
    except CampaignOverlap as exc:
        messages.warning(request, str(exc))
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success % {"name": campaign.name})
    return redirect("campaign_dashboard", slug=campaign.slug)


@role_required(Role.REGISTRAR)
@post_only("campaign_dashboard")
def campaign_open_view(request, slug):
    allow_overlap = request.POST.get("allow_overlap") == "1"
    return _transition(
        request, slug, campaign_open, _("“%(name)s”已开放，学生现在可以核对。"), allow_overlap=allow_overlap
    )


@role_required(Role.REGISTRAR)
@post_only("campaign_dashboard")
def campaign_close_view(request, slug):
    return _transition(request, slug, campaign_close, _("“%(name)s”已结束，学生不能再修改核对结果。"))
