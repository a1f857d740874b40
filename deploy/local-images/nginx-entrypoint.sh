#!/bin/sh
# As the official nginx image (its 20-envsubst-on-templates.sh): each
# /etc/nginx/templates/NAME.template is rendered into /etc/nginx/conf.d/NAME with envsubst,
# replacing only the variables set in the environment (nginx's own $variables stay).
set -eu
if [ -d /etc/nginx/templates ]; then
  defined="$(env | cut -d= -f1 | sed 's/.*/${&}/' | tr '\n' ' ')"
  for template in /etc/nginx/templates/*.template; do
    [ -f "$template" ] || continue
    name="$(basename "$template" .template)"
    envsubst "$defined" <"$template" >"/etc/nginx/conf.d/$name"
  done
fi
exec "$@"
