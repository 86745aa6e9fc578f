//! HTTPS against a server whose certificate comes from a private CA, as on company networks.

use trackit_runtime::{ApiClient, Error};
use trackit_sim::{SimConfig, Simulator, TlsConfig};

use crate::support::{default_simulator, demo_credentials, get_ticket};

async fn https_simulator() -> Simulator {
    let tls = TlsConfig::self_signed().expect("certificates");
    Simulator::start(SimConfig { tls: Some(tls), ..SimConfig::default() }).await.expect("simulator starts")
}

fn company_ca(sim: &Simulator) -> String {
    sim.ca_certificate_pem().expect("serving TLS").to_owned()
}

#[tokio::test]
async fn the_company_ca_given_as_pem_is_trusted() {
    let sim = https_simulator().await;
    assert!(sim.base_url().starts_with("https://"));
    let client = ApiClient::builder(&sim.base_url(), demo_credentials())
        .no_proxy()
        .add_root_certificate_pem(company_ca(&sim))
        .build()
        .expect("builds");
    get_ticket(&client).await.expect("call over HTTPS");
}

#[tokio::test]
async fn the_company_ca_given_as_a_file_is_trusted() {
    let sim = https_simulator().await;
    let folder = tempfile::tempdir().expect("temporary folder");
    let ca_file = folder.path().join("company-ca.pem");
    std::fs::write(&ca_file, company_ca(&sim)).expect("CA written");
    let client = ApiClient::builder(&sim.base_url(), demo_credentials())
        .no_proxy()
        .add_root_certificate_file(&ca_file)
        .build()
        .unwrap();
    get_ticket(&client).await.expect("call over HTTPS");
}

#[tokio::test]
async fn without_the_ca_the_login_fails_and_says_how_to_fix_it() {
    let sim = https_simulator().await;
    let client = ApiClient::builder(&sim.base_url(), demo_credentials()).no_proxy().build().expect("builds");
    let error = client.login().await.expect_err("unknown issuer");
    let Error::UntrustedCertificate { url, reason } = &error else {
        panic!("expected UntrustedCertificate, got {error:?}");
    };
    assert_eq!(url, &format!("https://{}", sim.addr()));
    assert!(reason.contains("UnknownIssuer"), "{reason}");
    let message = error.to_string();
    assert!(message.contains("add_root_certificate_file"), "{message}");
    assert!(message.contains("danger_accept_invalid_certs(true)"), "{message}");
    assert!(!error.is_retryable());
    assert_eq!(sim.stats().token_requests, 0, "the password never left the client");
}

#[tokio::test]
async fn an_untrusted_api_server_is_reported_the_same_way() {
    // Tokens come from a plain-http loopback server; the API itself is behind the private CA.
    let token_server = default_simulator().await;
    let sim = https_simulator().await;
    let client = ApiClient::builder(&sim.base_url(), demo_credentials())
        .no_proxy()
        .token_url(&format!("{}/token", token_server.base_url()))
        .build()
        .expect("builds");
    let error = get_ticket(&client).await.expect_err("unknown issuer");
    assert!(
        matches!(&error, Error::UntrustedCertificate { reason, .. } if reason.contains("UnknownIssuer")),
        "{error:?}"
    );
}

#[tokio::test]
async fn accepting_invalid_certificates_is_an_explicit_opt_in() {
    let sim = https_simulator().await;
    let client = ApiClient::builder(&sim.base_url(), demo_credentials())
        .no_proxy()
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    get_ticket(&client).await.expect("call with checking off");
}
