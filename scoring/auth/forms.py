from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class ChoosePasswordForm(FlaskForm):
    password = PasswordField("Choose a password", validators=[DataRequired("Enter a password")])
    confirm = PasswordField("Type the password again", validators=[DataRequired("Type the password again")])


class ForgottenPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
