"""Principal both administers and uses encryption keys

## What it does
Reports each principal that holds both the key-admin and the key-use duty of the duty catalog (AWS
KMS, Cloud KMS, Key Vault), one finding per principal with the grant behind each duty in its
evidence.

## Why is this bad?
Key administrators decide who may use a key, how it rotates and whether it is disabled or destroyed;
key users encrypt and decrypt data with it. When one principal holds both, the person who should
guard the data can also read it, and can rewrite the key's access rules to cover their tracks.
Keeping the two apart means decrypting protected data always needs a second, independent party.

## Example
```hcl
resource "google_kms_key_ring_iam_member" "admin" {
  key_ring_id = google_kms_key_ring.ring.id
  role        = "roles/cloudkms.admin"
  member      = "serviceAccount:${google_service_account.ops.email}"
}

resource "google_kms_key_ring_iam_member" "use" {
  key_ring_id = google_kms_key_ring.ring.id
  role        = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member      = "serviceAccount:${google_service_account.ops.email}"  # same principal
}
```

## Use instead
```hcl
resource "google_kms_key_ring_iam_member" "admin" {
  key_ring_id = google_kms_key_ring.ring.id
  role        = "roles/cloudkms.admin"
  member      = "group:key-admins@example.com"  # administers, never uses
}

resource "google_kms_crypto_key_iam_member" "use" {
  crypto_key_id = google_kms_crypto_key.data.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${google_service_account.app.email}"  # uses one key only
}
```

## How to fix
Give key administration (kms:Create*, kms:Put*, kms:Disable*, kms:ScheduleKeyDeletion,
roles/cloudkms.admin, Key Vault administrator roles) and key use (kms:Encrypt, kms:Decrypt,
kms:GenerateDataKey*, roles/cloudkms.cryptoKeyEncrypterDecrypter, Key Vault crypto user roles) to
different principals. Workloads get only use; a separate admin role, ideally in a dedicated key
project or account, gets only administration. Note that some administrator roles include use: Azure
Key Vault Crypto Officer and Key Vault Administrator carry the data actions `keys/*` (decrypt
included) and AWS `kms:*` covers both, so one such grant is already the conflict; give
administrators a role without the cryptographic operations. Duties and conflicts are data
(rulesets/default.yaml); an administrator that could only grant itself use (kms:PutKeyPolicy,
setIamPolicy) is privilege escalation, SOD110.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- NIST SP 800-53 Rev. 5 SC-12 Cryptographic Key Establishment and Management
- CIS Google Cloud Platform Foundation Benchmark 1.11 (separation of duties for KMS roles)
- [Google Cloud KMS, Separation of duties](https://cloud.google.com/kms/docs/separation-of-duties)
- [AWS KMS, Default key policy (key administrators vs key users)](https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


def check(ctx: Context) -> Iterator[Finding]:
    """Whoever administers a key must not also use it: one person could both unlock and hide.

    Key administration includes changing who may use the key (PutKeyPolicy, setIamPolicy); that
    such an administrator could grant itself use is escalation (SOD110), not this conflict: here
    both duties are held now. Use-only principals (Encrypter/Decrypter, Crypto User) never fire.
    """
    yield from conflict_findings(ctx, "SOD101", "administers encryption keys and also uses them")
