#include "net/tls.hpp"

#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "util/error.hpp"

using namespace mlops::net;

namespace {

// What a TLS peer does with a certificate: verify it against the CA, for a purpose.
bool verifies(const std::string& ca_pem, const std::string& cert_pem, int purpose) {
  auto read = [](const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return x;
  };
  X509* ca = read(ca_pem);
  X509* cert = read(cert_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(cert);
  X509_free(ca);
  return ok;
}

}  // namespace

TEST_CASE("a CA issues server and client certificates that verify for their purpose only") {
  auto ca = make_ca("mlops test CA", 30);
  auto ca_info = inspect_certificate(ca.cert_pem);
  CHECK(ca_info.is_ca);
  CHECK(ca_info.subject_cn == "mlops test CA");
  CHECK(ca_info.sha256.size() == 64);
  int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
  CHECK(ca_info.not_after_ms - now > 29LL * 86400 * 1000);

  auto server = issue_certificate(ca, "mlops server", "server", {"localhost", "127.0.0.1"}, 30);
  auto admin = issue_certificate(ca, "admin", "admin", {}, 30);
  CHECK(verifies(ca.cert_pem, server.cert_pem, X509_PURPOSE_SSL_SERVER));
  CHECK_FALSE(verifies(ca.cert_pem, server.cert_pem, X509_PURPOSE_SSL_CLIENT));
  CHECK(verifies(ca.cert_pem, admin.cert_pem, X509_PURPOSE_SSL_CLIENT));
  CHECK_FALSE(verifies(ca.cert_pem, admin.cert_pem, X509_PURPOSE_SSL_SERVER));
  auto info = inspect_certificate(admin.cert_pem);
  CHECK(info.subject_cn == "admin");
  CHECK(info.subject_ou == "admin");
  CHECK(info.issuer_cn == "mlops test CA");
  CHECK_FALSE(info.is_ca);

  auto other = make_ca("someone else", 30);
  CHECK_FALSE(verifies(other.cert_pem, admin.cert_pem, X509_PURPOSE_SSL_CLIENT));
  CHECK_THROWS_AS(issue_certificate(ca, "s", "server", {}, 30), mlops::util::Error);
  CHECK_THROWS_AS(make_ca("x", 0), mlops::util::Error);
}

TEST_CASE("an agent's request is signed under the name the CA gives, never the one it asks for") {
  auto ca = make_ca("mlops test CA", 30);
  auto req = make_request("i-am-the-admin");
  auto cert = sign_request(ca, req.cert_pem, "edge-7", "agent", 30);
  auto info = inspect_certificate(cert);
  CHECK(info.subject_cn == "edge-7");
  CHECK(info.subject_ou == "agent");
  CHECK(verifies(ca.cert_pem, cert, X509_PURPOSE_SSL_CLIENT));
  CHECK_THROWS_AS(sign_request(ca, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                               "edge-7", "agent", 30),
                  mlops::util::Error);
  CHECK_THROWS_AS(inspect_certificate("not a certificate"), mlops::util::Error);
}
