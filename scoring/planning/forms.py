from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField


class ImportForm(FlaskForm):
    workbook = FileField("Upload the filled-in workbook")
    open_scoring = BooleanField("Open scoring straight away")


class WhatIfForm(FlaskForm):
    """Only the CSRF token: the weight fields depend on the procurement's sections."""


class ScenarioForm(FlaskForm):
    name = StringField("Name of the scenario")
    note = TextAreaField("Note for the record (optional)")


class ApplyForm(FlaskForm):
    reason = TextAreaField("Reason for changing the official weights")
