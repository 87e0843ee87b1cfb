"""Flask extensions, created unbound here and bound in create_app()."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints let Alembic alter tables on SQLite and PostgreSQL alike.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))

if TYPE_CHECKING:
    # Flask-SQLAlchemy's stubs type db.Model as a variable, which mypy cannot take as a base
    # class; to mypy the models' base is SQLAlchemy's declarative base, which db.Model is.
    from sqlalchemy.orm import DeclarativeBase

    class Model(DeclarativeBase):
        pass
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
