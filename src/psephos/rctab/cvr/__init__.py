"""Cast-vote-record readers, one module per vendor format; `formats` maps RCTab's provider
names to them. Each reader adds ballots to a `psephos.rctab.sink.BallotSink`."""
