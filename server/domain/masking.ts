import { maskEmail } from '../../shared/mask-email';
import type { NoteView, ParticipantView, TicketDetail, TicketSummary } from '../../shared/views';

export function maskTicket<T extends TicketSummary>(t: T): T {
  return t.externalAuthor ? { ...t, externalAuthor: maskEmail(t.externalAuthor) } : t;
}

export function maskNote(n: NoteView): NoteView {
  return n.externalAuthor ? { ...n, externalAuthor: maskEmail(n.externalAuthor) } : n;
}

export function maskParticipant(p: ParticipantView): ParticipantView {
  return { ...p, email: maskEmail(p.email) };
}

export function maskDetail(t: TicketDetail): TicketDetail {
  return {
    ...maskTicket(t),
    notes: t.notes.map(maskNote),
    participants: t.participants.map(maskParticipant),
  };
}
