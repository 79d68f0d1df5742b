//! An SMTP server inside the process, on 127.0.0.1 and a free port, keeping what it receives:
//! what the mail tests and the mail benchmark deliver to. The protocol is `mailin`'s; this
//! only carries its lines over tokio sockets (plain SMTP: no STARTTLS).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the server took it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent.
    pub data: String,
}

/// A running receiver; it stops when dropped.
pub struct Receiver {
    pub address: SocketAddr,
    inbox: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// Starts listening on 127.0.0.1 with a port the system picks.
    pub async fn start() -> io::Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let kept = inbox.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let inbox = kept.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(stream, peer.ip(), inbox).await {
                        tracing::debug!(error = %e, "SMTP session ended");
                    }
                });
            }
        });
        Ok(Receiver {
            address,
            inbox,
            task,
        })
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Everything received so far, in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        self.inbox.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.inbox.lock().map(|m| m.len()).unwrap_or_default()
    }
}

/// Collects one session's messages and files each when its data ends.
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    current: Received,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: String::new(),
        };
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.current.data.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = std::mem::take(&mut self.current);
        if let Ok(mut inbox) = self.inbox.lock() {
            inbox.push(message);
        }
        mailin::response::OK
    }
}

async fn session(
    stream: TcpStream,
    peer: IpAddr,
    inbox: Arc<Mutex<Vec<Received>>>,
) -> io::Result<()> {
    let collector = Collector {
        inbox,
        current: Received::default(),
    };
    let mut session = SessionBuilder::new("partneros-receiver").build(peer, collector);
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(&session.greeting().buffer()?).await?;
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => {}
            Action::Reply => write.write_all(&response.buffer()?).await?,
            Action::Close | Action::UpgradeTls => {
                write.write_all(&response.buffer()?).await?;
                return Ok(());
            }
        }
    }
}
