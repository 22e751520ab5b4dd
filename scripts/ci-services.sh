#!/usr/bin/env bash
# Starts PostgreSQL and MariaDB on 127.0.0.1 if they are down and creates the test
# databases. Idempotent: on machines where both already run it only checks them.
set -euo pipefail

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  cluster=$(ls /etc/postgresql | head -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! mariadb-admin --protocol=tcp -h 127.0.0.1 -u root ping >/dev/null 2>&1; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 30); do mariadb-admin --protocol=tcp -h 127.0.0.1 -u root ping >/dev/null 2>&1 && break; sleep 1; done
fi
mariadb-admin --protocol=tcp -h 127.0.0.1 -u root ping

# Test databases, dropped and recreated by the tests' own fixtures as needed.
if [ "$(psql -h 127.0.0.1 -U postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname = 'rampart_test'")" != "1" ]; then
  psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE rampart_test"
fi
mariadb --protocol=tcp -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS rampart_test"
echo "PostgreSQL and MariaDB ready; database rampart_test exists in both."
