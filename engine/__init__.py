"""The answering engine: a question in, a cited answer (or an honest abstention) out.

`Assistant` (assistant.py) answers with the documents' own sentences; `LLMAnswerer`
(llm_answerer.py) has a chat model write from the same passages and checks every sentence. Both
are an `Answerer` (answers.py), the one entry the app, the CLI, the evaluation and the bench
call. Inside: query.py reads the question once into a `Query`; the index (index/) retrieves;
extractive.py scores, selects and composes.
"""
