//! What `pirt draft` prints: the prompt list, a dry run's requests, and answers.

use std::io::Write;
use std::path::Path;

use crate::draft::Job;
use crate::draft::prompt::{Prompt, Target};
use crate::fsutil;
use crate::llm::{self, Settings};
use crate::redact::Redactor;

/// `pirt draft --list`: each prompt, its target, where it comes from (shown relative to
/// `root`) and what it does.
pub fn list(root: &Path, prompts: &[Prompt]) -> anyhow::Result<()> {
    let rows: Vec<[String; 4]> = prompts
        .iter()
        .map(|p| {
            let source = match &p.origin {
                crate::assets::Origin::BuiltIn => "built-in".to_string(),
                crate::assets::Origin::File(path) => path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
            };
            [
                p.name.clone(),
                p.target.describe(),
                source,
                p.description.clone(),
            ]
        })
        .collect();
    let header = ["NAME", "TARGET", "SOURCE", "DESCRIPTION"].map(String::from);
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut stdout = crate::ui::stdio::stdout();
    for row in std::iter::once(&header).chain(&rows) {
        writeln!(
            stdout,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0], row[1], row[2], row[3]
        )?;
    }
    Ok(())
}

/// Prints exactly what would be sent: the endpoint and each request body, after redaction.
pub fn dry_run(
    settings: &Settings,
    jobs: &[Job],
    redactor: Option<&Redactor>,
) -> anyhow::Result<()> {
    let mut stdout = crate::ui::stdio::stdout();
    for job in jobs {
        let mut body = settings.body(&job.request);
        writeln!(
            stdout,
            "# prompt {} -> {}\n# POST {} ({})",
            job.prompt.name,
            job.prompt.target.describe(),
            settings.shown_endpoint(),
            settings.provider.name()
        )?;
        // The messages as they will be sent, readable; then the rest of the body.
        let messages = match settings.provider {
            llm::Provider::OpenAi => body["messages"].take(),
            llm::Provider::Anthropic => {
                let mut all = Vec::new();
                if let Some(system) = body.get_mut("system").map(serde_json::Value::take) {
                    all.push(serde_json::json!({"role": "system", "content": system}));
                    body.as_object_mut().map(|o| o.remove("system"));
                }
                if let serde_json::Value::Array(rest) = body["messages"].take() {
                    all.extend(rest);
                }
                serde_json::Value::Array(all)
            }
        };
        body.as_object_mut().map(|o| o.remove("messages"));
        for message in messages.as_array().into_iter().flatten() {
            writeln!(
                stdout,
                "--- {} ---\n{}",
                message["role"].as_str().unwrap_or("?"),
                message["content"].as_str().unwrap_or_default()
            )?;
        }
        writeln!(
            stdout,
            "--- request parameters ---\n{}\n",
            serde_json::to_string(&body)?
        )?;
    }
    if settings.model.is_none() {
        writeln!(
            stdout,
            "# no model is set yet: pass --model, set PIRT_LLM_MODEL or [llm] model"
        )?;
    }
    let count = redactor.map_or(0, Redactor::count);
    let note = match redactor {
        None => "# redaction is off ([llm.redact] enabled = false)".to_string(),
        Some(_) => format!(
            "# {count} value{} replaced by placeholders; nothing was sent",
            if count == 1 { "" } else { "s" }
        ),
    };
    writeln!(stdout, "{note}")?;
    Ok(())
}

/// A complete answer on standard output (with a header when there are several), or in
/// `output`; action items as the YAML that would be added.
pub fn answer(
    p: &Prompt,
    answer: &llm::Answer,
    output: Option<&Path>,
    several: bool,
) -> anyhow::Result<()> {
    let text = match p.target {
        Target::ActionItems => crate::draft::apply::action_items_yaml(&answer.text),
        _ => answer.text.trim().to_string(),
    };
    if let Some(file) = output {
        return fsutil::write_atomic(file, format!("{text}\n").as_bytes());
    }
    let mut stdout = crate::ui::stdio::stdout();
    if several {
        writeln!(stdout, "==> {} ({}) <==", p.name, p.target.describe())?;
    }
    writeln!(stdout, "{text}")?;
    if several {
        writeln!(stdout)?;
    }
    Ok(())
}
