#include "net/tls.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <ctime>
#include <memory>

#include "util/error.hpp"

namespace mlops::net {

using util::Error;
using util::Exit;

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Request = std::unique_ptr<X509_REQ, Deleter<X509_REQ, X509_REQ_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = "unknown error";
  unsigned long e = ERR_get_error();
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  throw Error(Exit::error, what + ": " + buf);
}

template <typename T>
T* check(T* p, const std::string& what) {
  if (!p) fail(what);
  return p;
}

void check(int ok, const std::string& what) {
  if (ok != 1) fail(what);
}

Key new_key() { return Key(check(EVP_EC_gen("P-256"), "generate an EC P-256 key")); }

// What a PEM writer puts into a memory BIO, as text.
template <typename Write>
std::string pem_text(Write write, const std::string& what) {
  Bio bio(check(BIO_new(BIO_s_mem()), "allocate"));
  check(write(bio.get()), "write " + what);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string pem_of_key(EVP_PKEY* key) {
  return pem_text([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); },
                  "a private key");
}

std::string pem_of_cert(X509* cert) {
  return pem_text([&](BIO* b) { return PEM_write_bio_X509(b, cert); }, "a certificate");
}

Bio read_bio(const std::string& pem) {
  return Bio(check(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "allocate"));
}

Cert read_cert(const std::string& pem) {
  auto bio = read_bio(pem);
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (!cert) {
    ERR_clear_error();
    throw Error(Exit::usage, "not a PEM certificate");
  }
  return Cert(cert);
}

Key read_key(const std::string& pem) {
  auto bio = read_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    ERR_clear_error();
    throw Error(Exit::usage, "not a PEM private key");
  }
  return Key(key);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = check(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), "make extension " + value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "add extension " + value);
}

// An unsigned certificate for `key`, issued by `issuer` (itself when null).
Cert build(EVP_PKEY* key, const std::string& cn, const std::string& ou, X509* issuer, int days) {
  if (days <= 0) throw Error(Exit::usage, "a certificate must be valid for at least one day");
  Cert cert(check(X509_new(), "allocate"));
  check(X509_set_version(cert.get(), 2), "set the version");
  // 159 random bits: positive, unique, and unguessable as RFC 5280 asks.
  Bignum serial(check(BN_new(), "allocate"));
  check(BN_rand(serial.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "draw a serial number");
  check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr, "set the serial number");
  // Five minutes back, for clocks a little behind.
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) != nullptr, "set the start");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400) != nullptr, "set the end");
  check(X509_set_pubkey(cert.get(), key), "set the key");
  X509_NAME* name = X509_get_subject_name(cert.get());
  auto entry = [&](const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                     -1, -1, 0),
          std::string("set ") + field);
  };
  entry("O", "mlops");
  entry("OU", ou);
  entry("CN", cn);
  X509* signer = issuer ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "set the issuer");
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  return cert;
}

std::string sign(Cert cert, EVP_PKEY* issuer_key) {
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0) fail("sign the certificate");
  return pem_of_cert(cert.get());
}

void client_extensions(X509* cert, X509* ca) {
  add_ext(cert, ca, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert, ca, NID_key_usage, "critical,digitalSignature");
  add_ext(cert, ca, NID_ext_key_usage, "clientAuth");
}

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

int64_t time_ms(const ASN1_TIME* t) {
  struct tm tm {};
  check(ASN1_TIME_to_tm(t, &tm), "read a certificate time");
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::string name_entry(X509_NAME* name, int nid) {
  int i = X509_NAME_get_index_by_NID(name, nid, -1);
  if (i < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

KeyPair make_ca(const std::string& cn, int days) {
  Key key = new_key();
  Cert cert = build(key.get(), cn, "ca", nullptr, days);
  add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  return {sign(std::move(cert), key.get()), pem_of_key(key.get())};
}

KeyPair issue_certificate(const KeyPair& ca, const std::string& cn, const std::string& kind,
                          const std::vector<std::string>& names, int days) {
  Cert ca_cert = read_cert(ca.cert_pem);
  Key ca_key = read_key(ca.key_pem);
  Key key = new_key();
  Cert cert = build(key.get(), cn, kind, ca_cert.get(), days);
  if (kind == "server") {
    if (names.empty()) throw Error(Exit::usage, "a server certificate needs at least one host name or address");
    std::string san;
    for (const auto& n : names) {
      if (!san.empty()) san += ',';
      san += is_ip(n) ? "IP:" : "DNS:";
      san += n;
    }
    add_ext(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  } else {
    client_extensions(cert.get(), ca_cert.get());
  }
  return {sign(std::move(cert), ca_key.get()), pem_of_key(key.get())};
}

KeyPair make_request(const std::string& cn) {
  Key key = new_key();
  Request req(check(X509_REQ_new(), "allocate"));
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1,
                                   -1, 0),
        "set CN");
  check(X509_REQ_set_pubkey(req.get(), key.get()), "set the key");
  if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) fail("sign the request");
  return {pem_text([&](BIO* b) { return PEM_write_bio_X509_REQ(b, req.get()); }, "the request"), pem_of_key(key.get())};
}

std::string sign_request(const KeyPair& ca, const std::string& csr_pem, const std::string& cn, const std::string& kind,
                         int days) {
  auto bio = read_bio(csr_pem);
  Request req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) {
    ERR_clear_error();
    throw Error(Exit::usage, "not a PEM certificate signing request");
  }
  Key key(X509_REQ_get_pubkey(req.get()));
  // The request must be signed by the key it carries: proof the requester holds it.
  if (!key || X509_REQ_verify(req.get(), key.get()) != 1) {
    ERR_clear_error();
    throw Error(Exit::usage, "the certificate signing request's signature does not verify");
  }
  Cert ca_cert = read_cert(ca.cert_pem);
  Key ca_key = read_key(ca.key_pem);
  Cert cert = build(key.get(), cn, kind, ca_cert.get(), days);
  client_extensions(cert.get(), ca_cert.get());
  return sign(std::move(cert), ca_key.get());
}

CertInfo inspect_certificate(const std::string& cert_pem) { return inspect_certificate(read_cert(cert_pem).get()); }

CertInfo inspect_certificate(x509_st* cert) {
  CertInfo info;
  info.subject_cn = name_entry(X509_get_subject_name(cert), NID_commonName);
  info.subject_ou = name_entry(X509_get_subject_name(cert), NID_organizationalUnitName);
  info.issuer_cn = name_entry(X509_get_issuer_name(cert), NID_commonName);
  info.not_before_ms = time_ms(X509_get0_notBefore(cert));
  info.not_after_ms = time_ms(X509_get0_notAfter(cert));
  info.is_ca = X509_check_ca(cert) != 0;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  check(X509_digest(cert, EVP_sha256(), md, &n), "hash the certificate");
  static const char* hex = "0123456789abcdef";
  for (unsigned i = 0; i < n; ++i) {
    info.sha256 += hex[md[i] >> 4];
    info.sha256 += hex[md[i] & 15];
  }
  return info;
}

}  // namespace mlops::net
