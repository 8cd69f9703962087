//! Just enough HTML to drive oidc-provider's pages: the first `<form>`, its
//! `action`, `method` and `<input>` fields. Its pages are simple generated
//! markup (login, consent, device code, auto-submitting form_post), so a
//! small tag scanner does; a general HTML parser would be a large dependency
//! for four templates.

/// A form found on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The `action` attribute (may be relative; empty means the page's URL).
    pub action: String,
    /// `GET` or `POST` (upper case; `GET` when absent, as in HTML).
    pub method: String,
    /// Every `<input>` with a name: (name, type, value).
    pub inputs: Vec<Input>,
}

/// One `<input>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// `name`
    pub name: String,
    /// `type`, lower case (`text` when absent).
    pub kind: String,
    /// `value` (empty when absent), entities decoded.
    pub value: String,
}

/// The first form of a page, if any.
pub fn first_form(html: &str) -> Option<Form> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<form")?;
    let (attrs, after) = tag_attributes(html, start + "<form".len());
    let end = lower[after..]
        .find("</form")
        .map_or(html.len(), |i| after + i);
    let body = &html[after..end];
    let body_lower = &lower[after..end];

    let mut inputs = Vec::new();
    let mut pos = 0;
    while let Some(i) = body_lower[pos..].find("<input") {
        let (a, next) = tag_attributes(body, pos + i + "<input".len());
        pos = next;
        if let Some(name) = get(&a, "name") {
            inputs.push(Input {
                name: name.to_string(),
                kind: get(&a, "type").unwrap_or("text").to_ascii_lowercase(),
                value: get(&a, "value").unwrap_or_default().to_string(),
            });
        }
    }
    Some(Form {
        action: get(&attrs, "action").unwrap_or_default().to_string(),
        method: get(&attrs, "method").unwrap_or("get").to_ascii_uppercase(),
        inputs,
    })
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Reads `name="value"`, `name='value'`, `name=value` and bare `name`
/// attributes from `from` up to the closing `>`; returns them (names lower
/// case, values decoded) and the index after the `>`.
fn tag_attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut i = from;
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, i);
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let v_start = i + 1;
                let v_end = html[v_start..]
                    .find(quote as char)
                    .map_or(html.len(), |j| v_start + j);
                value = decode_entities(&html[v_start..v_end]);
                i = (v_end + 1).min(html.len());
            } else {
                let v_start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[v_start..i]);
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// Decodes the entities an HTML escaper writes: named `&amp; &lt; &gt;
/// &quot; &apos;` and numeric `&#39;`/`&#x27;`. Anything else stays as is.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &rest[1..semi];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_oidc_provider_login_form() {
        let page = r#"<html><body><form autocomplete="off" action="/interaction/abc" method="post">
  <input type="hidden" name="prompt" value="login"/>
  <input required type="text" name="login" placeholder="Enter any login" autofocus="on">
  <input required type="password" name="password" placeholder="and password" >
  <button type="submit" class="login login-submit">Sign-in</button>
</form></body></html>"#;
        let f = first_form(page).expect("a form");
        assert_eq!(f.action, "/interaction/abc");
        assert_eq!(f.method, "POST");
        let names: Vec<_> = f
            .inputs
            .iter()
            .map(|i| (i.name.as_str(), i.kind.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("prompt", "hidden", "login"),
                ("login", "text", ""),
                ("password", "password", "")
            ]
        );
    }

    #[test]
    fn multiline_inputs_and_entities() {
        let page = "<FORM id=\"op.deviceInputForm\" novalidate method=post action='/device?a=1&amp;b=2'>\n<input type=\"hidden\" name=\"xsrf\" value=\"a&quot;b&#39;c&#x26;d&bogus;\"/>\n<input\n    type=\"text\" name=\"user_code\" autofocus autocomplete=\"off\"></input></FORM>";
        let f = first_form(page).expect("a form");
        assert_eq!(f.action, "/device?a=1&b=2");
        assert_eq!(f.method, "POST");
        assert_eq!(f.inputs[0].value, "a\"b'c&d&bogus;");
        assert_eq!(f.inputs[1].name, "user_code");
        assert_eq!(f.inputs[1].kind, "text");
    }

    #[test]
    fn no_form_and_truncated_markup_do_not_panic() {
        assert_eq!(first_form("<p>Sign-in Success</p>"), None);
        let f = first_form("<form action=\"/x").expect("a form even if cut");
        assert_eq!(f.action, "/x");
        assert!(first_form("<form><input name=").is_some());
        assert_eq!(
            decode_entities("&&;&#xZZ;&#1114112;"),
            "&&;&#xZZ;&#1114112;"
        );
    }
}
