//! Outgoing e-mail (password reset links): through SMTP when `SMTP_URL` is configured, otherwise
//! written to the log so a developer can follow the link.

use std::sync::{Arc, Mutex};

use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};

use crate::config::Config;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Box<SmtpTransport>,
        from: Mailbox,
    },
    Log,
    /// Keeps the mails in memory; the test harness reads them.
    Memory(Arc<Mutex<Vec<Mail>>>),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Mailer {
        let Some(url) = &config.smtp_url else {
            return Mailer::Log;
        };
        let from = config.mail_from.parse::<Mailbox>();
        match (SmtpTransport::from_url(url), from) {
            (Ok(builder), Ok(from)) => Mailer::Smtp {
                transport: Box::new(builder.build()),
                from,
            },
            (Err(e), _) => {
                tracing::error!(error = %e, "SMTP_URL is invalid: mails will be logged instead");
                Mailer::Log
            }
            (_, Err(e)) => {
                tracing::error!(error = %e, "MAIL_FROM is invalid: mails will be logged instead");
                Mailer::Log
            }
        }
    }

    /// Sends (blocking: call it from a blocking context).
    pub fn send(&self, mail: Mail) -> Result<(), AppError> {
        match self {
            Mailer::Smtp { transport, from } => {
                let to = mail
                    .to
                    .parse::<Mailbox>()
                    .map_err(|e| AppError::internal(format!("recipient: {e}")))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(mail.subject)
                    .body(mail.body)
                    .map_err(AppError::internal)?;
                transport
                    .send(&message)
                    .map(|_| ())
                    .map_err(|e| AppError::Unavailable(format!("smtp: {e}")))
            }
            Mailer::Log => {
                tracing::info!(to = %mail.to, subject = %mail.subject, body = %mail.body, "mail (no SMTP_URL configured, logged instead of sent)");
                Ok(())
            }
            Mailer::Memory(outbox) => {
                outbox
                    .lock()
                    .map_err(|_| AppError::internal("outbox poisoned"))?
                    .push(mail);
                Ok(())
            }
        }
    }
}
