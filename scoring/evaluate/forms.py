from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput


class ScoreForm(FlaskForm):
    score = RadioField("Score", coerce=int, validators=[Optional()], validate_choice=True)
    rationale = TextAreaField("Reason for your score")
    version = IntegerField(widget=HiddenInput(), default=0)
    save_next = SubmitField("Save and go to next")
    save_draft = SubmitField("Save as draft")


class SubmitScoresForm(FlaskForm):
    confirm = SubmitField("Submit my scores")
