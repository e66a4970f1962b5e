"""Signing in and passwords in Gudang's words.

Django's own texts for these read badly in Indonesian ("Masukkan nama pengguna nama pengguna …",
"sandi" where Gudang says "kata sandi"), so the sign-in form, the password change form and the
password validators say them here, with the same English: the project's catalogue translates
them and wins over Django's.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": _("The two password fields didn’t match."),
        "password_incorrect": _("Your old password was entered incorrectly. Please enter it again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Old password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password confirmation")
        self.fields["new_password2"].help_text = _("Enter the same password as before, for verification.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return gettext("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self):
        return gettext("Your password can’t be too similar to your other personal information.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return gettext("This password is too common.")

    def get_help_text(self):
        return gettext("Your password can’t be a commonly used password.")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return gettext("This password is entirely numeric.")

    def get_help_text(self):
        return gettext("Your password can’t be entirely numeric.")
