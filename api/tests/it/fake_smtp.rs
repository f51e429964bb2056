//! A local SMTP server for the tests: speaks enough of the protocol for a client (EHLO, MAIL FROM,
//! RCPT TO, DATA, RSET, NOOP, QUIT), records each message with its envelope, and can be stopped
//! to play an SMTP outage.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, Default)]
pub struct SmtpMessage {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// Headers and body as sent after DATA (dot-stuffing undone).
    pub data: String,
}

impl SmtpMessage {
    /// The value of a header (the first one of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(value) = found.as_mut() {
                if line.starts_with([' ', '\t']) {
                    value.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((key, value)) = line.split_once(':') {
                if key.eq_ignore_ascii_case(name) {
                    found = Some(value.trim().to_string());
                }
            }
        }
        found
    }

    /// The body, decoded from its Content-Transfer-Encoding (quoted-printable, base64 or none).
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        match self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "base64" => {
                use base64::Engine;
                let compact: String = body.split_whitespace().collect();
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(compact)
                        .expect("base64 body"),
                )
                .expect("utf-8 body")
            }
            "quoted-printable" => decode_quoted_printable(body),
            _ => body.to_string(),
        }
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8 body")
}

pub struct FakeSmtp {
    /// `smtp://127.0.0.1:<port>`, for SMTP_URL.
    pub url: String,
    port: u16,
    messages: Arc<Mutex<Vec<SmtpMessage>>>,
    stopped: Arc<AtomicBool>,
}

impl FakeSmtp {
    pub fn start() -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let stopped = Arc::new(AtomicBool::new(false));
        let (log, stop) = (messages.clone(), stopped.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break; // the listener is dropped: connections are refused from now on
                }
                if let Ok(stream) = stream {
                    let log = log.clone();
                    std::thread::spawn(move || {
                        let _ = session(stream, &log);
                    });
                }
            }
        });
        FakeSmtp {
            url: format!("smtp://127.0.0.1:{port}"),
            port,
            messages,
            stopped,
        }
    }

    pub fn messages(&self) -> Vec<SmtpMessage> {
        self.messages.lock().unwrap().clone()
    }

    /// Stops accepting connections, as a mail server that is down.
    pub fn stop(&self) {
        if !self.stopped.swap(true, Ordering::SeqCst) {
            let _ = TcpStream::connect(("127.0.0.1", self.port)); // wakes the accept loop
        }
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.stop();
    }
}

fn session(stream: TcpStream, log: &Mutex<Vec<SmtpMessage>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 fake-smtp.test ESMTP ready\r\n")?;
    let mut current = SmtpMessage::default();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250-fake-smtp.test\r\n250 SIZE 1048576\r\n")?,
            "MAIL" => {
                current = SmtpMessage {
                    mail_from: command
                        .split_once(':')
                        .map_or("", |x| x.1)
                        .trim()
                        .to_string(),
                    ..SmtpMessage::default()
                };
                out.write_all(b"250 OK\r\n")?;
            }
            "RCPT" => {
                current.rcpt_to.push(
                    command
                        .split_once(':')
                        .map_or("", |x| x.1)
                        .trim()
                        .to_string(),
                );
                out.write_all(b"250 OK\r\n")?;
            }
            "DATA" => {
                out.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                current.data = data;
                log.lock().unwrap().push(std::mem::take(&mut current));
                out.write_all(b"250 OK queued\r\n")?;
            }
            "RSET" | "NOOP" => out.write_all(b"250 OK\r\n")?,
            "QUIT" => {
                out.write_all(b"221 Bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"502 Command not implemented\r\n")?,
        }
    }
}
