import django.db.models.deletion
from django.db import migrations, models


def copy_student_college(apps, schema_editor):
    Check = apps.get_model("selfcheck", "Check")
    Student = apps.get_model("selfcheck", "Student")
    college = Student.objects.filter(pk=models.OuterRef("student_id")).values("college_id")[:1]
    Check.objects.update(college_id=models.Subquery(college))


class Migration(migrations.Migration):
    dependencies = [("selfcheck", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="check",
            name="college",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="checks",
                to="selfcheck.college",
                verbose_name="学院",
            ),
        ),
        migrations.RunPython(copy_student_college, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="check",
            name="college",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="checks",
                to="selfcheck.college",
                verbose_name="学院",
            ),
        ),
        migrations.AddIndex(
            model_name="check",
            index=models.Index(fields=["campaign", "college", "status"], name="selfcheck_c_campaig_fcf919_idx"),
        ),
    ]
