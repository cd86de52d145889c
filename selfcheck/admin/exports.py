"""Spreadsheet export of the admin's big lists: formula-safe formats, ID numbers masked."""

from __future__ import annotations

from import_export import fields, resources
from import_export.formats.base_formats import CSV, XLSX
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from selfcheck import models
from selfcheck.masking import mask_id_number
from selfcheck.services.exports import safe_cell


class _FormulaSafe:
    """django-import-export's formula escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT), made
    the portal's: any cell a spreadsheet would evaluate, also after a leading tab, CR or LF,
    is written as text, and values that are not text keep their type."""

    def _escape_formulae(self, dataset):
        if dataset.headers:
            dataset.headers = [safe_cell(header) for header in dataset.headers]
        for _row in range(dataset.height):
            dataset.append([safe_cell(value) for value in dataset.lpop()])

    def export_data(self, dataset, **kwargs):
        self._escape_formulae(dataset)  # whatever the setting says
        return super().export_data(dataset, **kwargs)


class SafeXLSX(_FormulaSafe, XLSX):
    def _escape_formulae(self, dataset):
        super()._escape_formulae(dataset)
        # A control character typed into a name must not fail the whole export.
        for _row in range(dataset.height):
            dataset.append([_legal(value) for value in dataset.lpop()])


def _legal(value):
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


class SafeCSV(_FormulaSafe, CSV):
    pass


EXPORT_FORMATS = [SafeXLSX, SafeCSV]
# The last characters of an ID number, as printed on a masked list: 4 to 6 of them.


class CollegeResource(resources.ModelResource):
    class Meta:
        model = models.College
        fields = ("code", "name")


class StudentResource(resources.ModelResource):
    college = fields.Field(attribute="college__name", column_name="学院")

    class Meta:
        model = models.Student
        fields = (
            "student_no", "exam_no", "name", "gender", "birth_date", "ethnicity", "id_type", "id_number",
            "college", "major", "major_code", "class_name", "level", "duration", "study_mode",
            "education_type", "enrolled_on", "expected_graduation", "status", "phone",
        )  # fmt: skip
        export_order = fields

    def dehydrate_id_number(self, student):
        return mask_id_number(student.id_number)


class CheckResource(resources.ModelResource):
    student_no = fields.Field(attribute="student__student_no", column_name="学号")
    name = fields.Field(attribute="student__name", column_name="姓名")
    college = fields.Field(attribute="student__college__name", column_name="学院")
    id_number = fields.Field(column_name="证件号码")

    class Meta:
        model = models.Check
        fields = ("campaign__slug", "student_no", "name", "college", "id_number", "status", "source", "set_at")

    def dehydrate_id_number(self, check):
        return mask_id_number(check.student.id_number)
