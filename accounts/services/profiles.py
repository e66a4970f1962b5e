"""A user's profile: made when first needed, and the interface language kept on it."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Profile


def profile_of(user: User) -> Profile:
    """The user's profile, made now if the user has none yet (users made in the admin, by
    `createsuperuser` or by tests have none until then)."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def set_language(user: User, code: str) -> Profile:
    """Store `code` (one of `settings.LANGUAGES`) as the user's interface language."""
    if code not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    profile = profile_of(user)
    if profile.language != code:
        profile.language = code
        profile.save(update_fields=["language"])
    return profile


def language_at_sign_in(user: User, shown: str) -> str:
    """The user's interface language when signing in: the stored one; a user who has none yet
    keeps `shown` (the language the sign-in page was shown in), which is stored."""
    profile = profile_of(user)
    if not profile.language:
        profile = set_language(user, shown)
    return profile.language
