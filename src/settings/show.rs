//! `pbxbulk config show`: every key a profile may give, its value after the one combine every
//! command goes through, and where it came from; a secret only as where it is read.

use super::options::{Options, get};

/// The lines `config show` prints.
pub(crate) fn config_show(cli: Options) -> anyhow::Result<String> {
    let mut text = match get(&cli.profile) {
        Some(name) => format!(
            "profile {name} from {}\n",
            super::config_path(&cli)?.display()
        ),
        None => "no profile (give --profile NAME)\n".to_string(),
    };
    let o = super::layered(cli)?;
    let lines: Vec<(String, String, String)> = o
        .shown()
        .into_iter()
        .map(|(key, value)| match value {
            Some((value, origin)) => (key, value, origin.to_string()),
            None => (key, "(not set)".to_string(), String::new()),
        })
        .collect();
    let width = lines.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
    let value_width = (lines.iter().map(|(_, v, _)| v.chars().count()))
        .max()
        .unwrap_or(0);
    for (key, value, from) in lines {
        text.push_str(format!("{key:width$}  {value:value_width$}  {from}").trim_end());
        text.push('\n');
    }
    Ok(text)
}
