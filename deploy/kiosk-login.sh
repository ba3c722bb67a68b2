#!/bin/sh
# Terminal stations over SSH or on a console: make this the login shell of the desk account
# (`chsh -s /opt/kiosk/deploy/kiosk-login.sh desk`), or source it from the account's profile.
# Each terminal is its own station, named after the host and the terminal (DESK-HOST-PTS-3):
# two terminals on one host never share a station name. A file /etc/kiosk/<station>.toml, if
# present, is that station's own config (printer, language); otherwise /etc/kiosk/kiosk.toml.
set -eu
kiosk=${KIOSK_BIN:-/opt/kiosk/.venv/bin/kiosk}
config_dir=${KIOSK_CONFIG_DIR:-/etc/kiosk}
terminal=$(tty 2>/dev/null) || terminal=notty
terminal=$(printf '%s' "${terminal#/dev/}" | tr '/' '-')
station=$(printf '%s-%s' "$(hostname -s)" "$terminal" | tr '[:lower:]' '[:upper:]')
if [ -f "$config_dir/$station.toml" ]; then
    export KIOSK_CONFIG="$config_dir/$station.toml"
elif [ -f "$config_dir/kiosk.toml" ]; then
    export KIOSK_CONFIG="$config_dir/kiosk.toml"
fi
exec "$kiosk" --station "$station" "$@"
