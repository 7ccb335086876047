"""Seal every TOTP secret at rest (:mod:`kho.access._totp_seal`); the reverse step writes them back in plain."""

from django.db import migrations, models

from kho.access._totp_seal import PREFIX, open_secret, seal_secret


def seal(apps, schema_editor):
    factor_model = apps.get_model("access", "SecondFactor")
    for factor in factor_model.objects.exclude(secret__startswith=PREFIX):
        factor.secret = seal_secret(factor.secret, factor.user_id)
        factor.save(update_fields=["secret"])


def unseal(apps, schema_editor):
    factor_model = apps.get_model("access", "SecondFactor")
    for factor in factor_model.objects.filter(secret__startswith=PREFIX):
        factor.secret = open_secret(factor.secret, factor.user_id)
        factor.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [("access", "0002_sign_in_throttle_and_second_factor")]

    operations = [
        migrations.AlterField(
            model_name="secondfactor",
            name="secret",
            field=models.CharField(max_length=200, verbose_name="khóa bí mật (đã mã hóa)"),
        ),
        migrations.RunPython(seal, unseal),
    ]
