from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Optional

from ..forms import UKDateField
from ..models import Role

#: What each role may do, shown beside each choice on "Add a user".
ROLE_DESCRIPTIONS = {
    Role.PATIENT: "Scores the bidders' answers in the sections a procurement lead asks them to, with a reason "
    "for each score. Sees bidders by code, never their prices. Can only be asked to score once "
    "their training date is recorded.",
    Role.PANEL: "A member of staff who scores the bidders' answers in the sections a procurement lead asks them "
    "to, and takes part in moderation.",
    Role.LEAD: "Sets up and runs the procurements they lead: sections, weights, bidders, who scores what, "
    "moderation, the result and the reports. Can record a patient representative's training date.",
    Role.ADMIN: "Adds users and sets passwords (which also unlocks a locked account), and can see and change "
    "every procurement.",
}
CHOOSE_ROLE = "Choose what this person will do"


class NewUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name")])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    # No default: giving someone a role is a decision, so the administrator must choose one.
    role = RadioField(
        "Role",
        choices=[(r.value, r.label) for r in Role],
        validate_choice=False,
        validators=[InputRequired(CHOOSE_ROLE), AnyOf([r.value for r in Role], message=CHOOSE_ROLE)],
    )
    training_completed_on = UKDateField("Date patient representative training was completed", validators=[Optional()])
    password = PasswordField("Password", validators=[Optional()])


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])


class TrainingForm(FlaskForm):
    training_completed_on = UKDateField(
        "Date training was completed",
        validators=[InputRequired("Enter the date training was completed, for example 27/03/2026")],
    )


class InviteForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name")])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    role = SelectField(
        "Role",
        choices=[("", "Choose a role")] + [(r.value, r.label) for r in Role],
        validators=[DataRequired("Choose the person's role")],
    )
    training_completed_on = DateField(
        "Date patient representative training was completed",
        validators=[Optional()],
        format="%Y-%m-%d",
    )


MANAGE_ACTIONS = ("deactivate", "reactivate", "role", "unlock", "resend", "needs")


class ManageAccountForm(FlaskForm):
    action = StringField("Action", validators=[DataRequired("Choose what to do")])
    role = SelectField("New role", choices=[(r.value, r.label) for r in Role], validate_choice=False)
    reason = StringField("Reason", validators=[Optional()])
