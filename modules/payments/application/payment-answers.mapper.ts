import { PaymentCaptured, PaymentDeclined } from '../contract';
import type { Payment, PaymentProps } from '../domain/payment';

/** From the domain to payments' answers and published events; every field is named. */
export const PaymentAnswersMapper = {
  props(payment: Payment): PaymentProps {
    const { id, orderId, amountMinor, currency, status, declineReason } = payment.props;
    return { id, orderId, amountMinor, currency, status, declineReason };
  },

  outcome(payment: Payment): PaymentCaptured | PaymentDeclined {
    const { id, orderId, amountMinor, currency, declineReason } = payment.props;
    return payment.captured
      ? new PaymentCaptured(id, orderId, amountMinor, currency)
      : new PaymentDeclined(id, orderId, amountMinor, currency, declineReason ?? 'declined');
  },
};
