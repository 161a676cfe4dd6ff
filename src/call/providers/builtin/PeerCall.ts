// One WebRTC audio call: the local microphone track out, the remote track to an audio element.
import type { CallStats } from '../../provider';
import { summarizeStats } from '../../rtcStats';

export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export interface PeerCallOptions {
  microphone: MediaStream;
  onIceCandidate(candidate: IceCandidateInit): void;
  onConnectionState(state: RTCPeerConnectionState): void;
  /** Where remote audio goes; defaults to a new Audio element in the current document. */
  playRemote?(stream: MediaStream): () => void;
  iceServers?: RTCIceServer[];
}

export class PeerCall {
  readonly pc: RTCPeerConnection;
  private readonly pendingIce: IceCandidateInit[] = [];
  private stopPlayback: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: PeerCallOptions) {
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
    for (const track of options.microphone.getAudioTracks())
      this.pc.addTrack(track, options.microphone);
    this.pc.onicecandidate = (event) => {
      if (event.candidate?.candidate) {
        const c = event.candidate;
        options.onIceCandidate({
          candidate: c.candidate,
          sdpMid: c.sdpMid,
          sdpMLineIndex: c.sdpMLineIndex,
        });
      }
    };
    this.pc.onconnectionstatechange = () => options.onConnectionState(this.pc.connectionState);
    this.pc.ontrack = (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      this.stopPlayback?.();
      this.stopPlayback = (options.playRemote ?? playInAudioElement)(stream);
    };
  }

  async createOffer(): Promise<string> {
    const offer = await this.pc.createOffer({ offerToReceiveAudio: true });
    await this.pc.setLocalDescription(offer);
    return offer.sdp ?? '';
  }

  /** A new offer with fresh ICE credentials (the network path changed); returns its SDP. */
  async restartIce(): Promise<string> {
    this.pc.restartIce();
    const offer = await this.pc.createOffer({ iceRestart: true });
    await this.pc.setLocalDescription(offer);
    return offer.sdp ?? '';
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  async acceptOffer(sdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    await this.flushIce();
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    return answer.sdp ?? '';
  }

  async setAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    await this.flushIce();
  }

  async addIceCandidate(candidate: IceCandidateInit): Promise<void> {
    if (!this.pc.remoteDescription) {
      this.pendingIce.push(candidate);
      return;
    }
    await this.pc.addIceCandidate(candidate).catch(() => {
      // A candidate for a transport we no longer use; harmless.
    });
  }

  setMuted(muted: boolean): void {
    for (const sender of this.pc.getSenders()) if (sender.track) sender.track.enabled = !muted;
  }

  /** Plays the tones in-band (RFC 4733 when negotiated). Returns false when DTMF is unavailable. */
  sendDtmf(digits: string): boolean {
    const dtmf = this.pc.getSenders().find((s) => s.track?.kind === 'audio')?.dtmf;
    if (!dtmf || !dtmf.canInsertDTMF) return false;
    dtmf.insertDTMF(digits, 100, 70);
    return true;
  }

  async stats(): Promise<CallStats> {
    return summarizeStats(this.pc.connectionState, await this.pc.getStats());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPlayback?.();
    this.pc.close();
  }

  private async flushIce(): Promise<void> {
    for (const candidate of this.pendingIce.splice(0)) await this.addIceCandidate(candidate);
  }
}

function playInAudioElement(stream: MediaStream): () => void {
  const audio = new Audio();
  audio.autoplay = true;
  audio.srcObject = stream;
  void audio.play().catch(() => {
    // Autoplay refusals leave the element ready; the stream still flows and stats still count.
  });
  return () => {
    audio.pause();
    audio.srcObject = null;
  };
}
