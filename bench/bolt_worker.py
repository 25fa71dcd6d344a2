"""Reference worker for `make bench`: the job Vigil does, written with slack-bolt the way Bolt's docs show it.

Job: ack every envelope; for a bot post (a `message` event with `bot_id` that is a thread root) in one of the
channels listed in VIGIL_ALERT_CHANNELS, reply in its thread with chat.postMessage; ignore everything else.

Environment (the same contract as `vigil run`):
  SLACK_APP_TOKEN       app-level token (xapp-…)
  SLACK_BOT_TOKEN       bot token (xoxb-…)
  SLACK_API_URL         Web API base URL, e.g. http://127.0.0.1:PORT/api/ (the bench points it at the simulator)
  VIGIL_ALERT_CHANNELS  comma-separated channel ids
  VIGIL_LOG_LEVEL       Python logging level name (default: warning)
  VIGIL_CONNECTIONS     ignored: Bolt's built-in Socket Mode client keeps exactly one connection.

Notes on fidelity:
- `App(client=WebClient(token=…, base_url=…))`: the documented way to give Bolt a customised WebClient; Bolt takes
  the token from the client. (Bolt still notices SLACK_BOT_TOKEN in the environment and logs once that `token` will
  be unused; harmless.)
- `SocketModeHandler(app, app_token).start()` is the built-in (dependency-free) Socket Mode client that Bolt's
  getting-started guide uses. It calls apps.connections.open through `app.client`, so the WebClient's base_url is
  honoured for that call as well (slack_sdk/socket_mode/client.py: `self.web_client.apps_connections_open(...)`);
  no patching is needed. The ws:// URL the simulator hands out is accepted: the client opens a plain socket for any
  port other than 443.
- Events are acked by Bolt automatically before the listener runs (process_before_response=False, the default);
  listeners run on Bolt's listener thread pool.
"""

import logging
import os
import signal
import sys

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient


def main() -> None:
    level = os.environ.get("VIGIL_LOG_LEVEL", "warning").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING), stream=sys.stderr)

    app_token = os.environ["SLACK_APP_TOKEN"]
    bot_token = os.environ["SLACK_BOT_TOKEN"]
    base_url = os.environ.get("SLACK_API_URL", "https://slack.com/api/")
    if not base_url.endswith("/"):
        base_url += "/"
    watched = {c.strip() for c in os.environ.get("VIGIL_ALERT_CHANNELS", "").split(",") if c.strip()}

    app = App(client=WebClient(token=bot_token, base_url=base_url))

    @app.event("message")
    def on_message(event, client, logger):  # noqa: ANN001 - Bolt injects these by name
        if not event.get("bot_id"):
            return
        channel = event.get("channel")
        if channel not in watched:
            return
        ts = event.get("ts")
        thread_ts = event.get("thread_ts")
        if ts is None or (thread_ts is not None and thread_ts != ts):
            return  # a reply inside a thread, not an alert root
        title = ""
        attachments = event.get("attachments") or []
        if attachments:
            title = attachments[0].get("title") or attachments[0].get("fallback") or ""
        text = title or event.get("text") or "alert"
        client.chat_postMessage(channel=channel, thread_ts=ts, text=f"Looking into it: {text}")

    handler = SocketModeHandler(app, app_token)

    def stop(signum, frame):  # noqa: ANN001
        try:
            handler.close()
        finally:
            os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handler.start()


if __name__ == "__main__":
    main()
