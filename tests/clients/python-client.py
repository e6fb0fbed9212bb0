# API.md's Python example, unchanged, then a follow-up in the conversation it started.
# Needs ENDPOINT and API_KEY in the environment; prints each JSON response on its own line.
import json
import os

import requests

ENDPOINT = os.environ['ENDPOINT']
API_KEY = os.environ['API_KEY']


def chat(message, conversation_id=None):
    res = requests.post(ENDPOINT,
        headers={'Content-Type': 'application/json', 'x-api-key': API_KEY},
        json={'message': message, 'conversation_id': conversation_id}, timeout=30)
    res.raise_for_status()
    return res.json()


first = chat('Do you ship to Canada?')
print(json.dumps(first))
second = chat('How long does express delivery take?', first['conversation_id'])
print(json.dumps(second))
