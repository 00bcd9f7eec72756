"""The staff console: a web page where the society's staff keep the assistant current.

It is its own small Sanic process (`python -m bot.console`, started by `bot serve`), not a
channel inside the Rasa server, because what staff do is heavy and must never slow or break
the live assistant: Rasa's validator, training (a subprocess), evaluating models, and
releasing them through Rasa's HTTP API to every server in RASA_SERVERS (a Rasa process that
switched its own model from a request would be calling itself). One console serves any
number of Rasa instances; sessions and the audit log are in the database, so several
console instances can sit behind a load balancer too.

Every change goes through the same library functions as the `bot` command (bot.db,
bot.training): nothing is written twice.
"""
