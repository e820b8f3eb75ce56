// The certificates a deployment needs, made with OpenSSL: a certificate authority of its own, a
// server certificate for the names and addresses clients use, and client certificates for people
// (admin) and agents (signed from the agent's own request, so its private key never travels).
// Keys are EC P-256: every TLS stack our users have (curl, Python, browsers, Java) takes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct x509_st;  // OpenSSL's X509

namespace mlops::net {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

struct CertInfo {
  std::string subject_cn;
  std::string subject_ou;  // what the certificate is for: "server", "admin", "agent"
  std::string issuer_cn;
  int64_t not_before_ms = 0, not_after_ms = 0;
  std::string sha256;  // fingerprint of the DER, lower-case hex
  bool is_ca = false;
};

// A self-signed authority, valid for `days`.
KeyPair make_ca(const std::string& cn, int days);

// A certificate signed by `ca` for a fresh key: `kind` is "server" (serverAuth; `names` become
// subject alternative names, IP addresses as IP entries) or any client kind (clientAuth).
KeyPair issue_certificate(const KeyPair& ca, const std::string& cn, const std::string& kind,
                          const std::vector<std::string>& names, int days);

// A fresh key and a certificate signing request for it.
KeyPair make_request(const std::string& cn);  // cert_pem holds the CSR

// Signs a request as a client certificate of `kind`. The subject comes from `cn`, not from the
// request, so a requester cannot name itself something else.
std::string sign_request(const KeyPair& ca, const std::string& csr_pem, const std::string& cn, const std::string& kind,
                         int days);

CertInfo inspect_certificate(const std::string& cert_pem);
// The same of a parsed certificate (one a TLS peer presented), without a PEM round trip.
CertInfo inspect_certificate(x509_st* cert);

}  // namespace mlops::net
