"""Training workflow: fingerprinted training, held-out evaluation, and the staff retraining
workflow (docs/staff.md). Each module has one job, so the `bot` command and,
later, a web page call the same functions:

- project: where an assistant's files are (this checkout, or a copy in tests)
- yamlfile: round-trip YAML edits that keep comments and layout, all files or none
- data, text: what the files say (intents, examples, answers); one notion of "same question"
- intents: add an intent, add examples, with checks and clear refusals; remove them again
- review: the inbox of questions the assistant was unsure about (from the tracker store)
- checks: `bot check`, Rasa's validator plus ours
- model, evaluate: fingerprinted training; the held-out report
- candidates, registry, metrics: train, register and score candidate models
- compare, release, servers: the comparison, the release gate, switching running servers
- noise: measures the gate's noise margin
"""
