from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from ..models import Role


class NewUserForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name")])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role])
    training_completed_on = DateField(
        "Date patient representative training was completed", validators=[Optional()],
        format="%Y-%m-%d",
    )
    password = PasswordField("Password", validators=[Optional()])


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])


class TrainingForm(FlaskForm):
    training_completed_on = DateField(
        "Date training was completed", validators=[DataRequired("Enter the date as YYYY-MM-DD")],
        format="%Y-%m-%d",
    )


class InviteForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter the person's full name")])
    email = EmailField("Email address", validators=[DataRequired("Enter an email address")])
    role = SelectField("Role", choices=[("", "Choose a role")] + [(r.value, r.label) for r in Role],
                       validators=[DataRequired("Choose the person's role")])
    training_completed_on = DateField(
        "Date patient representative training was completed", validators=[Optional()], format="%Y-%m-%d",
    )


MANAGE_ACTIONS = ("deactivate", "reactivate", "role", "unlock", "resend")


class ManageAccountForm(FlaskForm):
    action = StringField("Action", validators=[DataRequired("Choose what to do")])
    role = SelectField("New role", choices=[(r.value, r.label) for r in Role], validate_choice=False)
    reason = StringField("Reason", validators=[Optional()])
