export { PaymentCaptured } from './payment-captured.event';
export { PaymentDeclined } from './payment-declined.event';
