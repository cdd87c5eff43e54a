"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode or HTTP mode, in copbot's own event loop."""
