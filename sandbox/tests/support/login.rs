//! Login helpers on [`Ctx`]: the consent dialogs played through the `sandbox_user` shortcut.

use super::{location_params, param, Ctx, REDIRECT};

impl Ctx {
    /// `GET www.facebook.com/v24.0/dialog/oauth` with the app, [`REDIRECT`], state `st4te`,
    /// the publishing scopes, `response_type=code`, then `extra` (later pairs win).
    pub fn fb_dialog(&self, extra: &[(&str, &str)]) -> reqwest::RequestBuilder {
        let mut q = vec![
            ("client_id", self.sb.app_id().to_owned()),
            ("redirect_uri", REDIRECT.to_owned()),
            ("state", "st4te".to_owned()),
            (
                "scope",
                "email,pages_show_list,business_management,instagram_basic,instagram_content_publish"
                    .to_owned(),
            ),
            ("response_type", "code".to_owned()),
        ];
        q.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        self.http
            .get(self.url("www.facebook.com/v24.0/dialog/oauth"))
            .query(&q)
    }

    /// A Facebook Login code `user` approved (for [`REDIRECT`]).
    pub async fn fb_code(&self, user: &str) -> String {
        let r = self
            .send(self.fb_dialog(&[("sandbox_user", user), ("sandbox_approve", "1")]))
            .await;
        assert_eq!(r.status, 302);
        let loc = r.header("location").expect("location");
        assert!(loc.starts_with(REDIRECT), "{loc}");
        let params = location_params(&loc);
        assert_eq!(param(&params, "state"), Some("st4te"));
        param(&params, "code").expect("code").to_owned()
    }

    /// An Instagram Login code the IG account `user` approved (for [`REDIRECT`], with the
    /// basic and publishing scopes).
    pub async fn ig_code(&self, user: &str) -> String {
        let r = self
            .send(
                self.http
                    .get(self.url("www.instagram.com/oauth/authorize"))
                    .query(&[
                        ("client_id", self.sb.app_id()),
                        ("redirect_uri", REDIRECT),
                        ("response_type", "code"),
                        (
                            "scope",
                            "instagram_business_basic,instagram_business_content_publish",
                        ),
                        ("state", "igst"),
                        ("sandbox_user", user),
                        ("sandbox_approve", "1"),
                    ]),
            )
            .await;
        assert_eq!(r.status, 302, "{:?}", r.body);
        let loc = r.header("location").expect("location");
        assert!(loc.ends_with("#_"), "Instagram appends #_: {loc}");
        let params = location_params(&loc);
        assert_eq!(param(&params, "state"), Some("igst"));
        param(&params, "code").expect("code").to_owned()
    }
}
