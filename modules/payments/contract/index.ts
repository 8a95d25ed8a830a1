export { PaymentCaptured } from './payment-captured.event';
export { PaymentDeclined, PAYMENT_DECLINE_REASON_MAX_LENGTH } from './payment-declined.event';
