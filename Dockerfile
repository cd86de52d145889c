FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SELFCHECK_VAR_DIR=/var/lib/selfcheck
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "registrar.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
