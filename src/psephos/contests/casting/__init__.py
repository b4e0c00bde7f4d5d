"""Casting a ballot, from the credential a voter holds to the committed row.

- `lookup`: the contest and the credential, its hashes made once per request (`CredentialKey`);
- `paper`: the ballot paper a ranking is checked against, read once a contest has opened;
- `trackers`: ballot trackers, drawn and written one way;
- `service`: the cast every channel goes through (`cast_ballot`), and `store_ballots`,
  which the postal batches share;
- `groupcommit`: the one batcher: casts arriving together share one transaction;
- `rows`: multi-row inserts;
- `api`: the API's cast, a request at a time (the view) or handed to the batcher without
  waiting (the server's fast path, `psephos.web.fastcast`);
- `cache`: the bounded caches the path keeps per process.
"""
