from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput


class ConsensusForm(FlaskForm):
    score = RadioField("Agreed score", coerce=int, validators=[Optional()], validate_choice=True)
    rationale = TextAreaField("Why the panel agreed this score")
    version = IntegerField(widget=HiddenInput(), default=0)
    keep = BooleanField("Keep this reason as it is")
    save = SubmitField("Save the consensus")


class FinaliseForm(FlaskForm):
    confirm = SubmitField("Finalise the result")
