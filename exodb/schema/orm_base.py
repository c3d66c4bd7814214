"""The declarative base of exodb's ORM classes, mapped onto the Core tables' one MetaData."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, declared_attr

from exodb.schema import tables as t


class Base(DeclarativeBase):
    metadata = t.metadata

    @declared_attr.directive
    def __tablename__(cls) -> str:
        # The name of the class's table, as for classes that declare it by name.
        return cls.__table__.name
