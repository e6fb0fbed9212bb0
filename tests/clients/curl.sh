#!/bin/sh
# API.md's cURL example, unchanged, then a follow-up in the conversation it started.
# Needs ENDPOINT and API_KEY in the environment; prints each JSON response on its own line.
set -eu

FIRST=$(curl -X POST "$ENDPOINT" -H 'Content-Type: application/json' -H "x-api-key: $API_KEY" \
  -d '{"message":"Hello!","user_id":"user_123"}')
printf '%s\n' "$FIRST"

CONVERSATION_ID=$(printf '%s' "$FIRST" | sed -n 's/.*"conversation_id":"\([^"]*\)".*/\1/p')
SECOND=$(curl -X POST "$ENDPOINT" -H 'Content-Type: application/json' -H "x-api-key: $API_KEY" \
  -d '{"message":"What are your support hours?","user_id":"user_123","conversation_id":"'"$CONVERSATION_ID"'"}')
printf '%s\n' "$SECOND"
