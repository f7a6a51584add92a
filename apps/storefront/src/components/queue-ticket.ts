import type { QueueEvent, QueueTicket } from '../api/queue.js';

/**
 * The ticket as a stream event newer than it says it is now: a position event moves a waiting shopper; admitted,
 * sold out and lapsed change the state at once (the fetch they trigger brings the rest). An event that does not fit
 * the ticket's state (a late position event after admission) changes nothing.
 */
export function withEvent(ticket: QueueTicket, event: QueueEvent): QueueTicket {
  switch (event.type) {
    case 'queue.position':
      return ticket.state === 'WAITING'
        ? {
            ...ticket,
            position: event.position,
            waiting: event.waiting,
            estimatedWaitSeconds: event.estimatedWaitSeconds,
            drawAt: event.position === null ? ticket.drawAt : null,
          }
        : ticket;
    case 'queue.admitted':
      return ticket.state === 'WAITING'
        ? { ...ticket, state: 'ADMITTED', position: null, admittedUntil: event.admittedUntil, admissionToken: event.admissionToken }
        : ticket;
    case 'queue.sold-out':
      return ticket.state === 'WAITING' ? { ...ticket, state: 'SOLD_OUT', position: null } : ticket;
    case 'queue.lapsed':
      return ticket.state === 'ADMITTED' ? { ...ticket, state: 'EXPIRED', admissionToken: null } : ticket;
  }
}
