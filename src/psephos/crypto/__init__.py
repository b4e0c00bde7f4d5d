"""The cryptographic core of sealed ballots: the group (`group`), ballots as ElGamal
ciphertexts (`elgamal`), the trustees' keys (`trustees`), the key ceremony (`ceremony`, with
the secret-sharing arithmetic in `sharing`), threshold decryption (`decryption`), the
zero-knowledge proofs (`proofs`), the proof of shuffle (`shuffle_proof`, its file in
`shuffle_file`) and the signed JSON messages (`messages`).
docs/verifiability.md specifies every format and proof."""
